/** Request vocabulary shared by server, client and UI (domain.md §2, §4, §5). */

export const RequestType = {
  MlaGeneral: 'mla_general',
  Preservation: 'preservation',
  /** Expedited disclosure of preserved traffic data naming a provider in a third state (BUD 30; UNCC 43). */
  TrafficDisclosure: 'traffic_disclosure',
  /** Search or access, seizure and disclosure of stored data: production (BUD 31; UNCC 44; BUD-P2 8). */
  StoredDataAccess: 'stored_data_access',
  /** Real-time collection of traffic data (BUD 33; UNCC 45). */
  RealtimeTraffic: 'realtime_traffic',
  /** Interception of content data (BUD 34; UNCC 46; EIO 30). */
  Interception: 'interception',
  /** Search and seizure of premises or devices (UNCC 40(3); BUD 31). */
  SearchSeizure: 'search_seizure',
  /** Immediate disclosure of specified stored data to avert an emergency (BUD-P2 9; UNCC 41). */
  EmergencyDisclosure: 'emergency_disclosure',
  /** Order for subscriber information addressed to a provider in the other party (BUD-P2 7). */
  SubscriberDirect: 'subscriber_direct',
  /** Hearing of a witness or expert by video link (UNCAC 46(18) model; BUD-P2 11). */
  VideoHearing: 'video_hearing',
  /** Setting up a joint investigation team (UNCC 48; BUD-P2 12). */
  JointInvestigation: 'joint_investigation',
  /** Information passed on without a prior request, possibly on conditions (BUD 26; UNCC 40). */
  SpontaneousInformation: 'spontaneous_information',
} as const;
export type RequestType = (typeof RequestType)[keyof typeof RequestType];
export const REQUEST_TYPES: readonly RequestType[] = Object.values(RequestType);

/** The types whose own fields travel in the request's `details` (all but the two first ones). */
export type DetailedRequestType = Exclude<RequestType, 'mla_general' | 'preservation'>;
export const DETAILED_REQUEST_TYPES: readonly DetailedRequestType[] = REQUEST_TYPES.filter(
  (type): type is DetailedRequestType => type !== RequestType.MlaGeneral && type !== RequestType.Preservation,
);

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

/** The form stored data is to be produced in (domain.md §5.4). */
export const FormOfProduction = {
  CertifiedCopy: 'certified_copy',
  Original: 'original',
  ForensicImage: 'forensic_image',
  ProviderExport: 'provider_export',
} as const;
export type FormOfProduction = (typeof FormOfProduction)[keyof typeof FormOfProduction];

/** How produced data is to be authenticated, when the requesting side asks for it (domain.md §5.4). */
export const ProductionAuthentication = {
  CustodianAffidavit: 'custodian_affidavit',
  BusinessRecordsCertificate: 'business_records_certificate',
} as const;
export type ProductionAuthentication =
  (typeof ProductionAuthentication)[keyof typeof ProductionAuthentication];

/** In what capacity a person is heard by video link (domain.md §5.14). */
export const HearingRole = {
  Witness: 'witness',
  Expert: 'expert',
  Victim: 'victim',
  Suspect: 'suspect',
  Other: 'other',
} as const;
export type HearingRole = (typeof HearingRole)[keyof typeof HearingRole];

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
  /**
   * Written by the portal itself: an emergency request has reached the requested agency, whose 24/7
   * duty officers must act within hours (domain.md §6.6). Paging and mail come later.
   */
  EmergencyAlert: 'emergency_alert',
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

/** Kinds only the portal writes (they have no author). */
export const PORTAL_MESSAGE_KINDS: readonly MessageKind[] = [
  MessageKind.DeadlineReminder,
  MessageKind.EmergencyAlert,
];

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
