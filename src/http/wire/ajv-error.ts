/** The fields of an Ajv error that the surfaces' validation answers are built from. */
export interface AjvLikeError {
  instancePath?: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
