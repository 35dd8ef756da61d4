import type { EvidenceStore } from './evidence-store';
import { LocalEvidenceStore } from './local-evidence-store';
import { type S3Settings, S3EvidenceStore } from './s3-evidence-store';

export type EvidenceStoreSettings = { kind: 'local'; root: string } | ({ kind: 's3' } & S3Settings);

/**
 * The store the configuration names. Only the S3 store loads the AWS SDK, and only here, at boot:
 * the local default does not pay for it at start-up, and an S3 deployment fails now rather than on
 * its first upload if the SDK cannot load.
 */
export async function createEvidenceStore(settings: EvidenceStoreSettings): Promise<EvidenceStore> {
  switch (settings.kind) {
    case 'local':
      return new LocalEvidenceStore(settings.root);
    case 's3': {
      const { kind: _kind, ...s3 } = settings;
      const store = new S3EvidenceStore(s3);
      await store.open();
      return store;
    }
  }
}
