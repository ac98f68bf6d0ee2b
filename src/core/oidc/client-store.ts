import type { OAuthClient } from './oauth-client.js';

export interface ClientStore {
  /** Throws ConflictError('client_id') when the id exists. */
  createClient(client: OAuthClient): Promise<void>;
  findClient(clientId: string): Promise<OAuthClient | null>;
  /** Oldest first. */
  listClients(): Promise<OAuthClient[]>;
  /** True if a client was deleted. */
  deleteClient(clientId: string): Promise<boolean>;
}
