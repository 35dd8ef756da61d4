import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { PortalSigner } from './portal-signer';

/**
 * The portal's one Ed25519 identity, shared: evidence signs receipts and manifests with it, the
 * audit log its checkpoints, and /.well-known/mla-portal/keys publishes it for both.
 */
@Global()
@Module({
  providers: [
    {
      provide: PortalSigner,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new PortalSigner(config.signing.seed, config.signing.name, config.signing.retiredPublicKeys),
    },
  ],
  exports: [PortalSigner],
})
export class CryptoModule {}
