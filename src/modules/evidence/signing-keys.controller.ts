import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PortalSigner } from '../../common/crypto/portal-signer';
import { AppConfig } from '../../config/app-config';
import { Public } from '../auth/decorators/access.decorators';
import { PublishedKeysDto } from './evidence.dto';

/**
 * The portal's public keys, for anyone to verify receipts and manifests offline (EVD-04). Public by
 * design: a verifier may be a court with no account.
 */
// Public keys, published for anyone to check signatures with: reads are not recorded.
@ApiTags('keys')
@Controller('.well-known/mla-portal')
export class SigningKeysController {
  constructor(
    private readonly signer: PortalSigner,
    private readonly config: AppConfig,
  ) {}

  @Get('keys')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'The Ed25519 public keys that sign receipts and manifests, current and retired' })
  @ApiOkResponse({ type: PublishedKeysDto })
  keys(): PublishedKeysDto {
    return {
      name: this.signer.name,
      auditLogOrigin: this.config.audit.logOrigin,
      keys: this.signer.publishedKeys(),
    };
  }
}
