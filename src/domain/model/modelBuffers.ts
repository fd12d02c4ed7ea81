// A party's model of one component as FATE keeps it: buffer name (e.g. "HeteroLogisticRegressionMeta")
// → the protobuf message as a plain object. Components produce them; the model store, pipeline
// models and serving read them.
export type ModelBuffers = Record<string, Record<string, unknown>>;
