// FATE-Serving's status codes (fate-serving-core StatusCode), used in PublishResponse.statusCode,
// the inference answer's retcode and the host's partial-score answer, so FATE tooling reading them
// sees familiar numbers.
export const Status = {
  SUCCESS: 0,
  /** A bad inference request (body, serviceId, featureData). */
  PARAM_ERROR: 100,
  /** A feature value that is not a number. */
  FEATURE_ERROR: 102,
  /** No model for the service id / table name + namespace (guest or host). */
  MODEL_NULL: 104,
  /** The host's serving could not be reached or answered with a transport error. */
  NET_ERROR: 105,
  /** No address configured for a host party's serving. */
  ROUTER_ERROR: 106,
  /** publishLoad could not fetch or decode the model. */
  LOAD_MODEL_ERROR: 107,
  /** publishBind refused (bad service id). */
  BIND_MODEL_ERROR: 109,
  SYSTEM_ERROR: 110,
  /** The host has no features for the row's id. */
  HOST_FEATURE_NOT_EXIST: 113,
  /** A malformed ModelService request (missing local, role or model info). */
  REQUEST_PARAM_ERROR: 120,
  /** A role serving does not serve (arbiter). */
  INVALID_ROLE_ERROR: 121,
} as const;

/** A refusal carrying its status code; handlers turn it into an answer, never a crash. */
export class ServingError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServingError';
  }
}
