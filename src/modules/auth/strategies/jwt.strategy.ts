import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { UnauthenticatedError } from '../../../common/errors/domain-error';
import { AppConfig } from '../../../config/app-config';
import { UsersService } from '../../users/users.service';
import { principalOf, type Principal } from '../principal';
import { SessionService } from '../session.service';
import type { AccessTokenClaims } from '../token.service';

const CLOCK_SKEW_SECONDS = 30;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const extractBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/** The `typ` of the token's header: access tokens say `JWT`; refresh tokens (next issue) will not. */
function accessTokenType(request: Request): unknown {
  const header = extractBearer(request)?.split('.')[0];
  if (!header) return undefined;
  try {
    return (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { typ?: unknown }).typ;
  } catch {
    return undefined;
  }
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly mfaRequired: boolean;

  constructor(
    config: AppConfig,
    private readonly users: UsersService,
    private readonly sessions: SessionService,
  ) {
    super({
      jwtFromRequest: extractBearer,
      // A KeyObject made once: given a string, jsonwebtoken first tries it as a PEM public key on
      // every call, and that failed parse was 3 % of the portal's CPU under a write load.
      // passport-jwt's types predate KeyObject; it hands the key to jsonwebtoken.verify as is.
      secretOrKey: createSecretKey(Buffer.from(config.jwt.secret, 'utf8')) as unknown as Buffer,
      // Pinned: a token naming another algorithm (or `none`) is refused before its signature is read.
      algorithms: ['HS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { maxAge: `${config.jwt.ttlSeconds}s`, clockTolerance: CLOCK_SKEW_SECONDS },
      passReqToCallback: true,
    });
    this.mfaRequired = config.mfa.required;
  }

  /** The role and agency come from the database, not the token: a change applies on the next call. */
  async validate(
    request: Request,
    claims: AccessTokenClaims & { exp?: unknown; iat?: unknown },
  ): Promise<Principal> {
    const now = Math.floor(Date.now() / 1000);
    const wellFormed =
      accessTokenType(request) === 'JWT' &&
      typeof claims.exp === 'number' &&
      typeof claims.iat === 'number' &&
      claims.iat <= now + CLOCK_SKEW_SECONDS &&
      typeof claims.sid === 'string' &&
      UUID.test(claims.sid) &&
      typeof claims.sub === 'string' &&
      UUID.test(claims.sub);
    if (!wellFormed) throw new UnauthenticatedError();
    const user = await this.users.findActiveWithAgency(claims.sub);
    if (!user?.agency) throw new UnauthenticatedError();
    // Revoked, idle for too long or past its lifetime: the token dies with its session.
    const session = await this.sessions.touch(claims.sid, user.id);
    return principalOf({ ...user, agency: user.agency }, session, this.mfaRequired);
  }
}
