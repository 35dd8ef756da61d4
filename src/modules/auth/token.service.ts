import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config';

export interface AccessTokenClaims {
  sub: string;
  /** The server-side session (one per login); revoking it ends every token issued for it. */
  sid: string;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface IssuedTokens extends IssuedToken {
  refreshToken: string;
}

/** Issues short-lived access tokens; the algorithm, issuer and audience are pinned on both sides. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async issueAccessToken(userId: string, sessionId: string): Promise<IssuedToken> {
    const claims: AccessTokenClaims = { sub: userId, sid: sessionId };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: 'HS256',
      expiresIn: this.config.jwt.ttlSeconds,
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
      jwtid: randomUUID(),
    });
    return { accessToken, expiresIn: this.config.jwt.ttlSeconds, tokenType: 'Bearer' };
  }
}
