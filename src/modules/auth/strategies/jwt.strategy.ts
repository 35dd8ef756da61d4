import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { UnauthenticatedError } from '../../../common/errors/domain-error';
import { AppConfig } from '../../../config/app-config';
import { UsersService } from '../../users/users.service';
import type { Principal } from '../principal';
import type { AccessTokenClaims } from '../token.service';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwt.secret,
      // Pinned: a token naming another algorithm (or `none`) is refused before its signature is read.
      algorithms: ['HS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { maxAge: `${config.jwt.ttlSeconds}s` },
    });
  }

  /** The role and agency come from the database, not the token: a change applies on the next call. */
  async validate(claims: AccessTokenClaims): Promise<Principal> {
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') throw new UnauthenticatedError();
    const user = await this.users.findActiveWithAgency(claims.sub);
    if (!user?.agency) throw new UnauthenticatedError();
    return {
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      agencyId: user.agencyId,
      agencyCode: user.agency.code,
      agencyKind: user.agency.kind,
      stateCode: user.agency.stateCode,
      sessionId: claims.sid,
    };
  }
}
