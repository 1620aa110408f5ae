// The context every SCIM write carries: who asked (request id, token) and where (path for the audit row, base URL
// for meta.location). How a write is stored and settled with the upstream targets: ./write-pipeline.ts.

export interface WriteContext {
  requestId: string;
  tokenId: string | null;
  /** the request path, for the audit row */
  path: string;
  baseUrl: string;
}
