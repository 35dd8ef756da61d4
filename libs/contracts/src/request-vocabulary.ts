/** Request vocabulary shared by server, client and UI (domain.md §2, §4, §5). */

export const RequestType = {
  MlaGeneral: 'mla_general',
  Preservation: 'preservation',
} as const;
export type RequestType = (typeof RequestType)[keyof typeof RequestType];

export const LegalBasis = {
  Uncc: 'uncc',
  Budapest: 'budapest',
  BudapestP2: 'budapest_p2',
  Bilateral: 'bilateral',
  Reciprocity: 'reciprocity',
} as const;
export type LegalBasis = (typeof LegalBasis)[keyof typeof LegalBasis];

export const UrgencyLevel = {
  Normal: 'normal',
  Urgent: 'urgent',
  Emergency: 'emergency',
} as const;
export type UrgencyLevel = (typeof UrgencyLevel)[keyof typeof UrgencyLevel];

export const IdentifierType = {
  IpAddress: 'ip_address',
  PhoneNumber: 'phone_number',
  Email: 'email',
  Imei: 'imei',
  MacAddress: 'mac_address',
  AccountOrUserId: 'account_or_user_id',
  DomainName: 'domain_name',
  Url: 'url',
  Other: 'other',
} as const;
export type IdentifierType = (typeof IdentifierType)[keyof typeof IdentifierType];

export const SubjectRole = {
  Suspect: 'suspect',
  Victim: 'victim',
  Witness: 'witness',
  AccountHolder: 'account_holder',
  Other: 'other',
} as const;
export type SubjectRole = (typeof SubjectRole)[keyof typeof SubjectRole];

/** Measures an MLA request can carry (domain.md §5.1, UNCAC 46(3) list plus UNCC additions). */
export const Measure = {
  TakeEvidenceStatement: 'take_evidence_statement',
  ServeDocuments: 'serve_documents',
  SearchSeizeFreeze: 'search_seize_freeze',
  AccessStoredData: 'access_stored_data',
  RealtimeTraffic: 'realtime_traffic',
  InterceptContent: 'intercept_content',
  ExamineObjectsSites: 'examine_objects_sites',
  ProvideInfoEvidenceExpert: 'provide_info_evidence_expert',
  ProvideRecords: 'provide_records',
  TraceProceeds: 'trace_proceeds',
  VoluntaryAppearance: 'voluntary_appearance',
  AssetRecovery: 'asset_recovery',
  OtherNotContraryToLaw: 'other_not_contrary_to_law',
} as const;
export type Measure = (typeof Measure)[keyof typeof Measure];

export const DataCategory = {
  Subscriber: 'subscriber',
  UserIdentification: 'user_identification',
  Traffic: 'traffic',
  Content: 'content',
  OtherStored: 'other_stored',
  DomainRegistration: 'domain_registration',
} as const;
export type DataCategory = (typeof DataCategory)[keyof typeof DataCategory];

export const MessageKind = {
  ClarificationRequest: 'clarification_request',
  ClarificationResponse: 'clarification_response',
  StatusEnquiry: 'status_enquiry',
  StatusUpdate: 'status_update',
  Note: 'note',
  /** Consultation before refusal or postponement, and the conditions offered in it (domain.md §6.2 T10-T13). */
  Consultation: 'consultation',
  /** Written by the portal itself (no author): a deadline approaches or has passed. */
  DeadlineReminder: 'deadline_reminder',
  /** The requesting side asks consent to a further use or an onward transfer (domain.md §8.2). */
  ConsentRequest: 'consent_request',
  /** The requested side's decision on it: granted, refused or conditional. */
  ConsentDecision: 'consent_decision',
  /** The requesting side discloses exculpatory material despite speciality (UNCAC 46(19)). */
  ExculpatoryNotice: 'exculpatory_notice',
  /** The requested side asks to consult on an exculpatory-disclosure notice. */
  ConsultationRequest: 'consultation_request',
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

/** Kinds a user may post directly; clarification messages are written by their transitions. */
export const POSTABLE_MESSAGE_KINDS: readonly MessageKind[] = [
  MessageKind.StatusEnquiry,
  MessageKind.StatusUpdate,
  MessageKind.Note,
];

/** How one request relates to another (domain.md §4 `linkedRequests`). */
export const LinkRelation = {
  FollowUpOfPreservation: 'follow_up_of_preservation',
  ExtensionOf: 'extension_of',
  Supersedes: 'supersedes',
  SplitFrom: 'split_from',
  Related: 'related',
} as const;
export type LinkRelation = (typeof LinkRelation)[keyof typeof LinkRelation];
