import type { Principal } from '../auth/principal';

/** What every resolver gets: the caller, resolved once per request or per subscription connection. */
export interface GraphqlContext {
  principal: Principal;
}
