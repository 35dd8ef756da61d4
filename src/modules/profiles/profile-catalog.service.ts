import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import {
  GENERAL_MLA_REFUSAL_GROUNDS,
  LegalBasis,
  PRESERVATION_REFUSAL_GROUNDS,
  RequestType,
  type FieldError,
  type InstrumentProfile,
  type RequestTypeRules,
} from '@mla/contracts';
import { Clock } from '../../common/clock';
import { projectRoot } from '../../common/files/project-root';
import { ValidationFailedError } from '../../common/errors/domain-error';
import { flattenValidationErrors } from '../../common/validation/validation.pipe';
import { TransactionRunner } from '../../database/transaction-runner';
import { canonicalJson } from '../audit/canonical-json';
import { ProfileRulesDto } from './dto/profile.dto';
import { InstrumentProfileEntity } from './instrument-profile.entity';
import { InstrumentProfileNotFoundError } from './profiles.errors';

const KNOWN_REFUSAL_GROUNDS = new Set(
  [...GENERAL_MLA_REFUSAL_GROUNDS, ...PRESERVATION_REFUSAL_GROUNDS].map((ground) => ground.code),
);

/** A stored profile version, parsed. */
export interface ProfileVersion {
  profile: InstrumentProfile;
  origin: 'shipped' | 'published';
  publishedAt: Date;
  sha256: string;
}

/**
 * The instrument profiles: versioned data in the database, never edited in place. The versions
 * shipped in `profiles/*.json` are loaded at start-up (each once, whichever instance comes first);
 * an administrator publishes later versions through the API. A request is judged by the version it
 * was created under, so a correction applies to new requests only.
 */
@Injectable()
export class ProfileCatalog implements OnModuleInit {
  private readonly logger = new Logger(ProfileCatalog.name);
  /** Versions never change once stored, so a parsed copy can be kept for the life of the process. */
  private readonly parsed = new Map<string, ProfileVersion>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const shipped = loadShippedProfiles();
    await this.transactions.run(async (manager) => {
      for (const profile of shipped) {
        const body = canonicalJson(profile);
        // ON CONFLICT: another instance starting at the same moment may have stored it first.
        await manager
          .createQueryBuilder()
          .insert()
          .into(InstrumentProfileEntity)
          .values({
            legalBasis: profile.legalBasis,
            version: profile.version,
            body,
            bodySha256: sha256(body),
            origin: 'shipped',
            publishedAt: this.clock.now(),
            publishedById: null,
          })
          .orIgnore()
          .execute();
      }
    });
    this.logger.log(`Instrument profiles shipped with this release: ${shipped.length}`);
  }

  /** The version a new request is made under: the highest one of its legal basis. */
  async current(manager: EntityManager, legalBasis: LegalBasis): Promise<ProfileVersion> {
    const row = await manager.findOne(InstrumentProfileEntity, {
      where: { legalBasis },
      order: { version: 'DESC' },
    });
    if (!row) throw new InstrumentProfileNotFoundError(legalBasis);
    return this.parse(row);
  }

  async version(
    manager: EntityManager,
    legalBasis: LegalBasis,
    version: number,
  ): Promise<ProfileVersion | undefined> {
    const cached = this.parsed.get(`${legalBasis}@${version}`);
    if (cached) return cached;
    const row = await manager.findOneBy(InstrumentProfileEntity, { legalBasis, version });
    return row ? this.parse(row) : undefined;
  }

  /** For reading outside a use case: the given version, or the current one. */
  find(legalBasis: LegalBasis, version?: number): Promise<ProfileVersion | undefined> {
    const manager = this.dataSource.manager;
    return version === undefined
      ? this.current(manager, legalBasis)
      : this.version(manager, legalBasis, version);
  }

  async list(): Promise<ProfileVersion[]> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(InstrumentProfileEntity, 'profile')
      .distinctOn(['profile.legal_basis'])
      .orderBy('profile.legal_basis', 'ASC')
      .addOrderBy('profile.version', 'DESC')
      .getMany();
    return rows.map((row) => this.parse(row));
  }

  /** Stores the rules as the next version of the legal basis; returns it. The caller audits it. */
  async publish(
    manager: EntityManager,
    legalBasis: LegalBasis,
    rules: ProfileRulesDto,
    publishedById: string,
  ): Promise<ProfileVersion> {
    const problems = ruleProblems(rules);
    if (problems.length > 0) throw new ValidationFailedError(problems);
    // The lock serialises publications for one basis: two administrators cannot both get version N.
    await manager.query('SELECT 1 FROM "instrument_profile" WHERE "legal_basis" = $1 FOR UPDATE', [
      legalBasis,
    ]);
    const latest = await this.current(manager, legalBasis);
    const profile: InstrumentProfile = {
      legalBasis,
      version: latest.profile.version + 1,
      ...plainRules(rules),
    };
    const body = canonicalJson(profile);
    const row = manager.create(InstrumentProfileEntity, {
      legalBasis,
      version: profile.version,
      body,
      bodySha256: sha256(body),
      origin: 'published',
      publishedAt: this.clock.now(),
      publishedById,
    });
    await manager.insert(InstrumentProfileEntity, row);
    return this.parse(row);
  }

  private parse(row: InstrumentProfileEntity): ProfileVersion {
    const key = `${row.legalBasis}@${row.version}`;
    let parsed = this.parsed.get(key);
    if (!parsed) {
      parsed = {
        profile: JSON.parse(row.body) as InstrumentProfile,
        origin: row.origin,
        publishedAt: row.publishedAt,
        sha256: row.bodySha256,
      };
      this.parsed.set(key, parsed);
    }
    return parsed;
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The class instance as plain data, in the shape stored and hashed. */
function plainRules(rules: ProfileRulesDto): Omit<InstrumentProfile, 'legalBasis' | 'version'> {
  return JSON.parse(JSON.stringify(rules)) as Omit<InstrumentProfile, 'legalBasis' | 'version'>;
}

/** Rules beyond the shape the DTO checks: known ground codes, preservation details, language keys. */
function ruleProblems(rules: ProfileRulesDto): FieldError[] {
  const problems: FieldError[] = [];
  const types = Object.entries(rules.requestTypes).filter(([, value]) => value !== undefined) as Array<
    [RequestType, RequestTypeRules]
  >;
  if (types.length === 0)
    problems.push({ field: 'requestTypes', messages: ['name at least one request type'] });
  for (const [type, typeRules] of types) {
    const unknown = typeRules.refusalGrounds.filter((code) => !KNOWN_REFUSAL_GROUNDS.has(code));
    if (unknown.length > 0) {
      problems.push({
        field: `requestTypes.${type}.refusalGrounds`,
        messages: [`unknown ground codes: ${unknown.join(', ')}`],
      });
    }
    if (type === RequestType.Preservation && !typeRules.preservation) {
      problems.push({
        field: `requestTypes.${type}.preservation`,
        messages: ['a preservation profile states its minimum period'],
      });
    }
  }
  for (const [state, languages] of Object.entries(rules.languages)) {
    const valid =
      /^([A-Z]{2}|\*)$/.test(state) &&
      Array.isArray(languages) &&
      languages.length > 0 &&
      languages.every((tag) => typeof tag === 'string' && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag));
    if (!valid) {
      problems.push({
        field: `languages.${state}`,
        messages: ['languages map a state code (or *) to BCP 47 language tags'],
      });
    }
  }
  if (!rules.languages['*'])
    problems.push({ field: 'languages.*', messages: ['name the languages for any other state'] });
  return problems;
}

/**
 * The shipped profiles, checked as strictly as a publication: a malformed file stops the start-up
 * with its name and problems, instead of reaching a request.
 */
function loadShippedProfiles(): InstrumentProfile[] {
  const directory = join(projectRoot(), 'profiles');
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const raw = JSON.parse(readFileSync(join(directory, name), 'utf8')) as Record<string, unknown>;
      const { legalBasis, version, ...rest } = raw;
      const rules = plainToInstance(ProfileRulesDto, rest);
      const shapeErrors = flattenValidationErrors(
        validateSync(rules, { whitelist: true, forbidNonWhitelisted: true }),
      );
      const problems = [...shapeErrors, ...(shapeErrors.length === 0 ? ruleProblems(rules) : [])];
      if (!Object.values(LegalBasis).includes(legalBasis as LegalBasis))
        problems.push({ field: 'legalBasis', messages: ['unknown legal basis'] });
      if (!Number.isInteger(version) || (version as number) < 1)
        problems.push({ field: 'version', messages: ['a positive whole number'] });
      if (problems.length > 0) {
        throw new Error(`profiles/${name} is not a valid instrument profile: ${JSON.stringify(problems)}`);
      }
      return { legalBasis: legalBasis as LegalBasis, version: version as number, ...plainRules(rules) };
    });
}
