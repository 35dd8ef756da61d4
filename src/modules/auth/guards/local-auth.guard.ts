import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { InvalidCredentialsError, ValidationFailedError } from '../../../common/errors/domain-error';
import { flattenValidationErrors } from '../../../common/validation/validation.pipe';
import { LoginDto } from '../dto/login.dto';

/**
 * Runs before the login handler's pipes, so it validates the body itself: a malformed body is a
 * 400 with field details, not passport's bare 401 "Missing credentials".
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const body: unknown = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    const dto = plainToInstance(LoginDto, typeof body === 'object' && body !== null ? body : {});
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new ValidationFailedError(flattenValidationErrors(errors));
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error instanceof Error) throw error;
    if (error) throw new InvalidCredentialsError();
    if (!user) throw new InvalidCredentialsError();
    return user;
  }
}
