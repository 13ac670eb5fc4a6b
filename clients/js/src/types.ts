// Generated from the server's OpenAPI document by scripts/gen-types.mjs; do not edit.

/** Field name -> the entity version at which it was last written. */
export type FieldVersions = { [field: string]: number };

export interface Cable {
  cableType: string | null;
  createdAt: string;
  displayId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  id: string;
  /** the id of a device-port of this production */
  inputPortId: string | null;
  lastModifiedBy: string | null;
  lengthFt: number | null;
  note: string | null;
  /** the id of a device-port of this production */
  outputPortId: string | null;
  productionId: string;
  updatedAt: string;
  version: number;
}

export interface CableCreate {
  cableType: string;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** the id of a device-port of this production */
  inputPortId: string;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  lengthFt?: number | null;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the id of a device-port of this production */
  outputPortId: string;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface CableSnake {
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  id: string;
  lastModifiedBy: string | null;
  manufacturer: string | null;
  model: string | null;
  name: string | null;
  note: string | null;
  productionId: string;
  updatedAt: string;
  version: number;
}

export interface CableSnakeCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface CableSnakeUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface CableUpdate {
  cableType?: string;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** the id of a device-port of this production */
  inputPortId?: string;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  lengthFt?: number | null;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the id of a device-port of this production */
  outputPortId?: string;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Camera {
  /** the id of a ccu of this production */
  ccuId: string | null;
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  focalLength: number | null;
  formatMode: string | null;
  hasDolly: boolean | null;
  hasHeavyTripod: boolean | null;
  hasJib: boolean | null;
  hasMagicArm: boolean | null;
  hasMediumTripod: boolean | null;
  hasShortTripod: boolean | null;
  hasSteadicam: boolean | null;
  hasTripod: boolean | null;
  id: string;
  lastModifiedBy: string | null;
  lensType: string | null;
  manufacturer: string | null;
  maxZoom: number | null;
  model: string | null;
  name: string | null;
  note: string | null;
  productionId: string;
  shootingDistance: number | null;
  smpteCableLength: number | null;
  updatedAt: string;
  version: number;
}

export interface CameraCreate {
  /** the id of a ccu of this production */
  ccuId?: string | null;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  focalLength?: number | null;
  formatMode?: string | null;
  hasDolly?: boolean | null;
  hasHeavyTripod?: boolean | null;
  hasJib?: boolean | null;
  hasMagicArm?: boolean | null;
  hasMediumTripod?: boolean | null;
  hasShortTripod?: boolean | null;
  hasSteadicam?: boolean | null;
  hasTripod?: boolean | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  lensType?: string | null;
  manufacturer?: string | null;
  maxZoom?: number | null;
  model?: string | null;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  shootingDistance?: number | null;
  smpteCableLength?: number | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface CameraUpdate {
  /** the id of a ccu of this production */
  ccuId?: string | null;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  focalLength?: number | null;
  formatMode?: string | null;
  hasDolly?: boolean | null;
  hasHeavyTripod?: boolean | null;
  hasJib?: boolean | null;
  hasMagicArm?: boolean | null;
  hasMediumTripod?: boolean | null;
  hasShortTripod?: boolean | null;
  hasSteadicam?: boolean | null;
  hasTripod?: boolean | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  lensType?: string | null;
  manufacturer?: string | null;
  maxZoom?: number | null;
  model?: string | null;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  shootingDistance?: number | null;
  smpteCableLength?: number | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Ccu {
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  fiberInput: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  formatMode: string | null;
  id: string;
  lastModifiedBy: string | null;
  manufacturer: string | null;
  model: string | null;
  name: string | null;
  note: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  outputs: unknown;
  productionId: string;
  referenceInput: string | null;
  sortOrder: number | null;
  updatedAt: string;
  version: number;
}

export interface CcuCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  fiberInput?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  formatMode?: string | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  outputs?: unknown;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  referenceInput?: string | null;
  sortOrder?: number | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface CcuUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  fiberInput?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  formatMode?: string | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  outputs?: unknown;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  referenceInput?: string | null;
  sortOrder?: number | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface ChecklistItem {
  assignedTo: string | null;
  category: string | null;
  completed: boolean | null;
  completedAt: string | null;
  completionDate: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  completionNote: unknown;
  createdAt: string;
  daysBeforeShow: number | null;
  displayId: string | null;
  dueDate: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  id: string;
  lastModifiedBy: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  moreInfo: unknown;
  note: string | null;
  productionId: string;
  reference: string | null;
  sortOrder: number | null;
  title: string | null;
  updatedAt: string;
  version: number;
}

export interface ChecklistItemCreate {
  assignedTo?: string | null;
  category?: string | null;
  completed?: boolean | null;
  completionDate?: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  completionNote?: unknown;
  /** ignored: the server owns it */
  createdAt?: unknown;
  daysBeforeShow?: number | null;
  displayId?: string | null;
  dueDate?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  moreInfo?: unknown;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  reference?: string | null;
  sortOrder?: number | null;
  title: string;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface ChecklistItemUpdate {
  assignedTo?: string | null;
  category?: string | null;
  completed?: boolean | null;
  completionDate?: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  completionNote?: unknown;
  /** ignored: the server owns it */
  createdAt?: unknown;
  daysBeforeShow?: number | null;
  displayId?: string | null;
  dueDate?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  moreInfo?: unknown;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  reference?: string | null;
  sortOrder?: number | null;
  title?: string;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Connection {
  createdAt: string;
  destinationId: string | null;
  destinationType: string | null;
  displayId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  id: string;
  intermediateId: string | null;
  intermediateInput: string | null;
  intermediateOutput: string | null;
  intermediateType: string | null;
  lastModifiedBy: string | null;
  note: string | null;
  productionId: string;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  signalPath: unknown;
  /** the id of a source of this production */
  sourceId: string | null;
  /** the id of a source-output of this production */
  sourceOutputId: string | null;
  updatedAt: string;
  version: number;
}

export interface ConnectionCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  destinationId?: string | null;
  destinationType: string;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  intermediateId?: string | null;
  intermediateInput?: string | null;
  intermediateOutput?: string | null;
  intermediateType?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  signalPath?: unknown;
  /** the id of a source of this production */
  sourceId?: string | null;
  /** the id of a source-output of this production */
  sourceOutputId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface ConnectionUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  destinationId?: string | null;
  destinationType?: string;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  intermediateId?: string | null;
  intermediateInput?: string | null;
  intermediateOutput?: string | null;
  intermediateType?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  signalPath?: unknown;
  /** the id of a source of this production */
  sourceId?: string | null;
  /** the id of a source-output of this production */
  sourceOutputId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface DevicePort {
  createdAt: string;
  deviceId: string | null;
  direction: "input" | "output" | null;
  displayId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  /** the id of an item of the format library */
  formatId: string | null;
  id: string;
  ioType: string | null;
  lastModifiedBy: string | null;
  note: string | null;
  portLabel: string | null;
  productionId: string;
  specPortId: string | null;
  updatedAt: string;
  version: number;
}

export interface DevicePortCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  deviceId: string;
  direction: "input" | "output";
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** the id of an item of the format library */
  formatId?: string | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  ioType: string;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  portLabel: string;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  specPortId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface DevicePortUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  deviceId?: string;
  direction?: "input" | "output";
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** the id of an item of the format library */
  formatId?: string | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  ioType?: string;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  portLabel?: string;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  specPortId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Equipment {
  archived: boolean | null;
  cardSlots: number | null;
  cards: unknown[] | null;
  category: "camera" | "ptz" | "ccu" | "lens" | "switcher" | "cam-switcher" | "vision-switcher" | "router" | "led-processor" | "led-tile" | "projector" | "recorder" | "media-server" | "converter" | "monitor" | "computer" | "cable-snake" | "stream-encoder" | null;
  createdAt: string;
  deviceFormats: unknown[] | null;
  displayId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  formatByIo: boolean | null;
  id: string;
  inputs: unknown[] | null;
  ioArchitecture: "direct" | "card-based" | null;
  isSecondaryDevice: boolean | null;
  lastModifiedBy: string | null;
  manufacturer: string | null;
  model: string | null;
  notes: string | null;
  outputs: unknown[] | null;
  specs: { [key: string]: unknown } | null;
  updatedAt: string;
  version: number;
}

export interface EquipmentCreate {
  archived?: boolean | null;
  cardSlots?: number | null;
  cards?: unknown[] | null;
  category: "camera" | "ptz" | "ccu" | "lens" | "switcher" | "cam-switcher" | "vision-switcher" | "router" | "led-processor" | "led-tile" | "projector" | "recorder" | "media-server" | "converter" | "monitor" | "computer" | "cable-snake" | "stream-encoder";
  /** ignored: the server owns it */
  createdAt?: unknown;
  deviceFormats?: unknown[] | null;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  formatByIo?: boolean | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  inputs?: unknown[] | null;
  ioArchitecture?: "direct" | "card-based" | null;
  isSecondaryDevice?: boolean | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer: string;
  model: string;
  notes?: string | null;
  onConflict?: "overwrite" | "reject";
  outputs?: unknown[] | null;
  specs?: { [key: string]: unknown } | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface EquipmentUpdate {
  archived?: boolean | null;
  cardSlots?: number | null;
  cards?: unknown[] | null;
  category?: "camera" | "ptz" | "ccu" | "lens" | "switcher" | "cam-switcher" | "vision-switcher" | "router" | "led-processor" | "led-tile" | "projector" | "recorder" | "media-server" | "converter" | "monitor" | "computer" | "cable-snake" | "stream-encoder";
  /** ignored: the server owns it */
  createdAt?: unknown;
  deviceFormats?: unknown[] | null;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  formatByIo?: boolean | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  inputs?: unknown[] | null;
  ioArchitecture?: "direct" | "card-based" | null;
  isSecondaryDevice?: boolean | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string;
  model?: string;
  notes?: string | null;
  onConflict?: "overwrite" | "reject";
  outputs?: unknown[] | null;
  specs?: { [key: string]: unknown } | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Format {
  blanking: "none" | "rbv1" | "rbv2" | "rbv3" | null;
  createdAt: string;
  displayId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  frameRate: number | null;
  hRes: number | null;
  id: string;
  isInterlaced: boolean | null;
  isSystem: boolean | null;
  lastModifiedBy: string | null;
  updatedAt: string;
  vRes: number | null;
  version: number;
}

export interface FormatCreate {
  blanking?: "none" | "rbv1" | "rbv2" | "rbv3" | null;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId: string;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  frameRate: number;
  hRes: number;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  isInterlaced?: boolean | null;
  isSystem?: boolean | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  onConflict?: "overwrite" | "reject";
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes: number;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface FormatUpdate {
  blanking?: "none" | "rbv1" | "rbv2" | "rbv3" | null;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  frameRate?: number;
  hRes?: number;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  isInterlaced?: boolean | null;
  isSystem?: boolean | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  onConflict?: "overwrite" | "reject";
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface IpAddress {
  category: string | null;
  createdAt: string;
  deviceName: string | null;
  displayId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  gateway: string | null;
  id: string;
  ip: string | null;
  lastModifiedBy: string | null;
  note: string | null;
  productionId: string;
  subnet: string | null;
  updatedAt: string;
  version: number;
}

export interface IpAddressCreate {
  category: string;
  /** ignored: the server owns it */
  createdAt?: unknown;
  deviceName: string;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  gateway?: string | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  ip: string;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  subnet?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface IpAddressUpdate {
  category?: string;
  /** ignored: the server owns it */
  createdAt?: unknown;
  deviceName?: string;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  gateway?: string | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  ip?: string;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  subnet?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface LedScreen {
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  hRes: number | null;
  id: string;
  lastModifiedBy: string | null;
  manufacturer: string | null;
  model: string | null;
  name: string | null;
  note: string | null;
  posDsXM: number | null;
  posDsYM: number | null;
  /** the id of an item of the equipment library */
  processorId: string | null;
  productionId: string;
  rate: number | null;
  rotationDeg: number | null;
  sortOrder: number | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  tileGrid: unknown;
  updatedAt: string;
  vRes: number | null;
  version: number;
}

export interface LedScreenCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  hRes?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  posDsXM?: number | null;
  posDsYM?: number | null;
  /** the id of an item of the equipment library */
  processorId?: string | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  rate?: number | null;
  rotationDeg?: number | null;
  sortOrder?: number | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  tileGrid?: unknown;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface LedScreenUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  hRes?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  posDsXM?: number | null;
  posDsYM?: number | null;
  /** the id of an item of the equipment library */
  processorId?: string | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  rate?: number | null;
  rotationDeg?: number | null;
  sortOrder?: number | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  tileGrid?: unknown;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface MediaServer {
  computerType: string | null;
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  id: string;
  isBackup: boolean | null;
  lastModifiedBy: string | null;
  manufacturer: string | null;
  model: string | null;
  name: string | null;
  note: string | null;
  outputs: number | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  outputsData: unknown;
  pairNumber: number | null;
  platform: string | null;
  productionId: string;
  updatedAt: string;
  version: number;
}

export interface MediaServerCreate {
  computerType?: string | null;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  isBackup?: boolean | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  outputs?: number | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  outputsData?: unknown;
  pairNumber?: number | null;
  platform?: string | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface MediaServerUpdate {
  computerType?: string | null;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  isBackup?: boolean | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  outputs?: number | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  outputsData?: unknown;
  pairNumber?: number | null;
  platform?: string | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Production {
  client: string | null;
  createdAt: string;
  displayId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  id: string;
  lastModifiedBy: string | null;
  loadIn: string | null;
  loadOut: string | null;
  room: string | null;
  showDate: string | null;
  showInfoUrl: string | null;
  showName: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  sourceTypes: unknown;
  status: "planning" | "ready" | "active" | "completed" | "archived" | null;
  updatedAt: string;
  venue: string | null;
  version: number;
}

export interface ProductionCreate {
  client: string;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  loadIn?: string | null;
  loadOut?: string | null;
  onConflict?: "overwrite" | "reject";
  room?: string | null;
  showDate?: string | null;
  showInfoUrl?: string | null;
  showName: string;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  sourceTypes?: unknown;
  status?: "planning" | "ready" | "active" | "completed" | "archived" | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  venue?: string | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface ProductionUpdate {
  client?: string;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  loadIn?: string | null;
  loadOut?: string | null;
  onConflict?: "overwrite" | "reject";
  room?: string | null;
  showDate?: string | null;
  showInfoUrl?: string | null;
  showName?: string;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  sourceTypes?: unknown;
  status?: "planning" | "ready" | "active" | "completed" | "archived" | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  venue?: string | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface ProjectionScreen {
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  hRes: number | null;
  id: string;
  lastModifiedBy: string | null;
  manufacturer: string | null;
  model: string | null;
  name: string | null;
  note: string | null;
  productionId: string;
  rate: number | null;
  updatedAt: string;
  vRes: number | null;
  version: number;
}

export interface ProjectionScreenCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  hRes?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  rate?: number | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface ProjectionScreenUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  hRes?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  rate?: number | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface ProjectionSurface {
  ambientLux: number | null;
  bezelHM: number | null;
  bezelVM: number | null;
  createdAt: string;
  displayId: string | null;
  distFloorM: number | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  gainFactor: number | null;
  heightM: number | null;
  id: string;
  lastModifiedBy: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  mattes: unknown;
  name: string | null;
  note: string | null;
  posDsXM: number | null;
  posDsYM: number | null;
  posDsZM: number | null;
  productionId: string;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  projectorAssignments: unknown;
  rotX: number | null;
  rotY: number | null;
  rotZ: number | null;
  surfaceType: "front" | "rear" | "dual-vision" | "mapped" | null;
  updatedAt: string;
  version: number;
  widthM: number | null;
}

export interface ProjectionSurfaceCreate {
  ambientLux?: number | null;
  bezelHM?: number | null;
  bezelVM?: number | null;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  distFloorM?: number | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  gainFactor?: number | null;
  heightM?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  mattes?: unknown;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  posDsXM?: number | null;
  posDsYM?: number | null;
  posDsZM?: number | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  projectorAssignments?: unknown;
  rotX?: number | null;
  rotY?: number | null;
  rotZ?: number | null;
  surfaceType?: "front" | "rear" | "dual-vision" | "mapped" | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
  widthM?: number | null;
}

export interface ProjectionSurfaceUpdate {
  ambientLux?: number | null;
  bezelHM?: number | null;
  bezelVM?: number | null;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  distFloorM?: number | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  gainFactor?: number | null;
  heightM?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  mattes?: unknown;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  posDsXM?: number | null;
  posDsYM?: number | null;
  posDsZM?: number | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** any JSON value: numbers within ±1e300 at any depth, arrays and objects nested at most 32 deep, no U+0000 in strings or keys (422 out_of_range, too_deep, invalid_value) */
  projectorAssignments?: unknown;
  rotX?: number | null;
  rotY?: number | null;
  rotZ?: number | null;
  surfaceType?: "front" | "rear" | "dual-vision" | "mapped" | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
  widthM?: number | null;
}

export interface RecordEntity {
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  format: string | null;
  id: string;
  lastModifiedBy: string | null;
  manufacturer: string | null;
  model: string | null;
  name: string | null;
  note: string | null;
  productionId: string;
  updatedAt: string;
  version: number;
}

export interface RecordCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  format?: string | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface RecordUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  format?: string | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Router {
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  id: string;
  inputs: number | null;
  lastModifiedBy: string | null;
  manufacturer: string | null;
  model: string | null;
  name: string | null;
  note: string | null;
  outputs: number | null;
  productionId: string;
  updatedAt: string;
  version: number;
}

export interface RouterCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  inputs?: number | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  outputs?: number | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface RouterUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  inputs?: number | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  model?: string | null;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  outputs?: number | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Send {
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  hRes: number | null;
  id: string;
  lastModifiedBy: string | null;
  name: string | null;
  note: string | null;
  output: string | null;
  outputConnector: string | null;
  productionId: string;
  rate: number | null;
  secondaryDevice: string | null;
  standard: string | null;
  type: string | null;
  updatedAt: string;
  vRes: number | null;
  version: number;
}

export interface SendCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  hRes?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  output?: string | null;
  outputConnector?: string | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  rate?: number | null;
  secondaryDevice?: string | null;
  standard?: string | null;
  type: string;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface SendUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  hRes?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  output?: string | null;
  outputConnector?: string | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  rate?: number | null;
  secondaryDevice?: string | null;
  standard?: string | null;
  type?: string;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Source {
  blanking: string | null;
  category: string | null;
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  formatAssignmentMode: string | null;
  hRes: number | null;
  id: string;
  lastModifiedBy: string | null;
  name: string | null;
  note: string | null;
  primaryDevicePort: string | null;
  productionId: string;
  rate: number | null;
  secondaryDevice: string | null;
  secondaryDevicePort: string | null;
  standard: string | null;
  type: string | null;
  updatedAt: string;
  vRes: number | null;
  version: number;
}

export interface SourceCreate {
  blanking?: string | null;
  category?: string | null;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  formatAssignmentMode?: string | null;
  hRes?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  primaryDevicePort?: string | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  rate?: number | null;
  secondaryDevice?: string | null;
  secondaryDevicePort?: string | null;
  standard?: string | null;
  type: string;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface SourceOutput {
  connector: string | null;
  createdAt: string;
  displayId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  hRes: number | null;
  id: string;
  lastModifiedBy: string | null;
  note: string | null;
  outputIndex: number | null;
  productionId: string;
  rate: number | null;
  /** the id of a source of this production */
  sourceId: string | null;
  standard: string | null;
  updatedAt: string;
  vRes: number | null;
  version: number;
}

export interface SourceOutputCreate {
  connector: string;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  hRes?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  outputIndex?: number | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  rate?: number | null;
  /** the id of a source of this production */
  sourceId: string;
  standard?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface SourceOutputUpdate {
  connector?: string;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  hRes?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  outputIndex?: number | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  rate?: number | null;
  /** the id of a source of this production */
  sourceId?: string;
  standard?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface SourceUpdate {
  blanking?: string | null;
  category?: string | null;
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  formatAssignmentMode?: string | null;
  hRes?: number | null;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  primaryDevicePort?: string | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  rate?: number | null;
  secondaryDevice?: string | null;
  secondaryDevicePort?: string | null;
  standard?: string | null;
  type?: string;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  vRes?: number | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Stream {
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  id: string;
  lastModifiedBy: string | null;
  name: string | null;
  note: string | null;
  platform: string | null;
  productionId: string;
  streamKey: string | null;
  updatedAt: string;
  url: string | null;
  version: number;
}

export interface StreamCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  platform?: string | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  streamKey?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  url?: string | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface StreamUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  platform?: string | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  streamKey?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  url?: string | null;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface Switcher {
  createdAt: string;
  displayId: string | null;
  /** the id of an item of the equipment library */
  equipmentId: string | null;
  /** only when a stored value cannot be read: each such field reads as null */
  fieldErrors?: unknown[];
  /** field -> the entity version at which it was last written */
  fieldVersions: FieldVersions;
  id: string;
  inputs: number | null;
  kind: "camera" | "vision" | null;
  lastModifiedBy: string | null;
  manufacturer: string | null;
  mes: number | null;
  model: string | null;
  name: string | null;
  note: string | null;
  outputs: number | null;
  productionId: string;
  updatedAt: string;
  version: number;
}

export interface SwitcherCreate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  inputs?: number | null;
  kind?: "camera" | "vision" | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  mes?: number | null;
  model?: string | null;
  name: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  outputs?: number | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

export interface SwitcherUpdate {
  /** ignored: the server owns it */
  createdAt?: unknown;
  displayId?: string | null;
  /** the id of an item of the equipment library */
  equipmentId?: string | null;
  /** ignored: the server owns it */
  fieldErrors?: unknown;
  /** ignored: the server owns it */
  fieldVersions?: FieldVersions;
  /** on a create, the id to give it (409 id_conflict when taken); on an update, the path's id (409 id_mismatch otherwise) */
  id?: string | null;
  inputs?: number | null;
  kind?: "camera" | "vision" | null;
  /** ignored: the server owns it */
  lastModifiedBy?: unknown;
  manufacturer?: string | null;
  mes?: number | null;
  model?: string | null;
  name?: string;
  note?: string | null;
  onConflict?: "overwrite" | "reject";
  outputs?: number | null;
  /** the path's production (422 production_mismatch otherwise) */
  productionId?: string | null;
  /** ignored: the server owns it */
  updatedAt?: unknown;
  /** the version you last saw: protects your edit from your own stale copy */
  version?: number | null;
}

/** Entity types by their path segment (`cameras`) as the REST API and events name them. */
export interface EntityTypes {
  "cable-snakes": CableSnake;
  "cables": Cable;
  "cameras": Camera;
  "ccus": Ccu;
  "checklist-items": ChecklistItem;
  "connections": Connection;
  "device-ports": DevicePort;
  "ip-addresses": IpAddress;
  "led-screens": LedScreen;
  "media-servers": MediaServer;
  "projection-screens": ProjectionScreen;
  "projection-surfaces": ProjectionSurface;
  "records": RecordEntity;
  "routers": Router;
  "sends": Send;
  "source-outputs": SourceOutput;
  "sources": Source;
  "streams": Stream;
  "switchers": Switcher;
}

export type EntityPath = keyof EntityTypes;

export const ENTITY_PATHS: EntityPath[] = ["cable-snakes", "cables", "cameras", "ccus", "checklist-items", "connections", "device-ports", "ip-addresses", "led-screens", "media-servers", "projection-screens", "projection-surfaces", "records", "routers", "sends", "source-outputs", "sources", "streams", "switchers"];


/** Event prefix (`camera`, as in `camera:updated`) -> path segment (`cameras`). */
export const PATH_OF: { [eventPrefix: string]: EntityPath } = {
  "cable-snake": "cable-snakes",
  "cable": "cables",
  "camera": "cameras",
  "ccu": "ccus",
  "checklist-item": "checklist-items",
  "connection": "connections",
  "device-port": "device-ports",
  "ip-address": "ip-addresses",
  "led-screen": "led-screens",
  "media-server": "media-servers",
  "projection-screen": "projection-screens",
  "projection-surface": "projection-surfaces",
  "record": "records",
  "router": "routers",
  "send": "sends",
  "source-output": "source-outputs",
  "source": "sources",
  "stream": "streams",
  "switcher": "switchers",
};
