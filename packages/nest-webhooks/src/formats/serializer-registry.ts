import type { EventSerializer } from '../interfaces/event-serializer.interface';
import { CloudEventsJsonSerializer } from './cloudevents-json.serializer';
import { CloudEventsXmlSerializer } from './cloudevents-xml.serializer';
import { JsonEventSerializer } from './json.serializer';
import { XmlEventSerializer } from './xml.serializer';

/** The formats every subscription may pick, whatever the host registers. */
export const BUILTIN_SERIALIZERS: readonly EventSerializer[] = Object.freeze([
  new JsonEventSerializer(),
  new CloudEventsJsonSerializer(),
  new XmlEventSerializer(),
  new CloudEventsXmlSerializer(),
]);

// A content type becomes a header value: no control characters (CR/LF would split the header).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Thrown by `SerializerRegistry.get` for a format nobody registered. */
export class UnknownFormatError extends Error {
  constructor(
    readonly format: string,
    known: readonly string[],
  ) {
    super(`Unknown webhook format "${format}" (known: ${known.join(', ')})`);
    this.name = 'UnknownFormatError';
  }
}

/**
 * The body formats a subscription may use: the built-ins (`json`, `cloudevents+json`, `xml`,
 * `cloudevents+xml`) and the host's (module option `serializers`). A host serializer whose
 * `format` is a built-in's name replaces that built-in. Names are case-sensitive.
 */
export class SerializerRegistry {
  private readonly serializers = new Map<string, EventSerializer>();

  constructor(extra: readonly EventSerializer[] = []) {
    for (const serializer of BUILTIN_SERIALIZERS) {
      this.serializers.set(serializer.format, serializer);
    }
    const seen = new Set<string>();
    for (const serializer of extra) {
      const { format } = serializer;
      if (typeof format !== 'string' || format.length === 0) {
        throw new Error('A serializer needs a non-empty `format`');
      }
      for (const key of ['contentType', 'batchContentType'] as const) {
        const value = serializer[key];
        if (typeof value !== 'string' || value.length === 0 || CONTROL_CHARACTERS.test(value)) {
          throw new Error(`Serializer "${format}": \`${key}\` must be a content type`);
        }
      }
      if (
        typeof serializer.serialize !== 'function' ||
        typeof serializer.serializeBatch !== 'function'
      ) {
        throw new Error(`Serializer "${format}" needs serialize() and serializeBatch()`);
      }
      if (seen.has(format)) throw new Error(`Webhook format "${format}" is registered twice`);
      seen.add(format);
      this.serializers.set(format, serializer);
    }
  }

  /** The serializer of `format`; throws `UnknownFormatError` when there is none. */
  get(format: string): EventSerializer {
    const serializer = this.serializers.get(format);
    if (!serializer) throw new UnknownFormatError(format, this.formats());
    return serializer;
  }

  has(format: string): boolean {
    return this.serializers.has(format);
  }

  /** Every format name: the built-ins first, then the host's, in registration order. */
  formats(): string[] {
    return [...this.serializers.keys()];
  }
}
