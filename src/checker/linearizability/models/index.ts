import type { SomeModel } from '../model';
import { KV } from './kv';
import { CAS_REGISTER, REGISTER } from './register';
import { STORE } from './store';

export { KV, type KvInput, type KvOutput } from './kv';
export { STORE, type StoreInput } from './store';
export {
  CAS_REGISTER,
  REGISTER,
  registerModel,
  type RegisterInput,
  type RegisterOptions,
  type RegisterOutput,
} from './register';

/** The models `geolab check --model NAME` knows, by name. */
export const MODELS: ReadonlyMap<string, SomeModel> = new Map<string, SomeModel>(
  [REGISTER, CAS_REGISTER, KV, STORE].map((m) => [m.name, m as SomeModel]),
);
