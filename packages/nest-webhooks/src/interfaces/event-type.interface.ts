/** A JSON Schema (draft 2020-12 subset understood by ajv) describing an event's `data`. */
export type JsonSchema = Record<string, unknown>;

export interface EventTypeDefinition {
  /** Dotted name, e.g. `candidate.created`. */
  type: string;
  description: string;
  /** JSON Schema of the event's `data`. */
  schema: JsonSchema;
}
