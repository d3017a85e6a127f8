/**
 * Workflow histories to and from Temporal's JSON format, the one `temporal workflow show --output
 * json` and the Web UI's download give.
 *
 * The SDK has `historyToJSON` / `historyFromJSON` (@temporalio/common/lib/proto-utils), but in this
 * install both throw "type must be a Type": npm put one copy of protobufjs 8 under
 * @temporalio/common and another under @temporalio/proto (the top level holds protobufjs 7 for
 * @grpc/proto-loader), and the SDK's protojson checks `instanceof Type` against its own copy while
 * the history type comes from the other. Here protojson is taken from the copy @temporalio/proto
 * resolves, so the types and the converter always agree. Same calls and options as the SDK's.
 */
import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils.js';

interface ProtoType {
  fromObject(object: unknown): unknown;
}
interface ProtoJson {
  toJson(type: ProtoType, message: unknown): unknown;
  fromJson(type: ProtoType, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const requireHere = createRequire(import.meta.url);
const protoEntry = requireHere.resolve('@temporalio/proto');
const requireFromProto = createRequire(protoEntry);
const protojson = requireFromProto('protobufjs/ext/protojson') as ProtoJson;
const { patchProtobufRoot } = requireHere('@temporalio/proto/lib/patch-protobuf-root') as {
  patchProtobufRoot<T>(root: T): T & { lookupType(name: string): ProtoType };
};
const historyType = patchProtobufRoot(requireHere('@temporalio/proto') as object).lookupType(
  'temporal.api.history.v1.History',
);

/** The JSON text of a history (as fetched with `handle.fetchHistory()`). */
export function historyToJSON(history: History): string {
  return JSON.stringify(protojson.toJson(historyType, historyType.fromObject(history)), null, 2);
}

/** A history read from its JSON form, ready for `Worker.runReplayHistory`. */
export function historyFromJSON(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events))
    throw new TypeError('not a workflow history: expected an object with an array of events');
  // Tolerates fields a newer server or SDK adds, as the SDK's own loader does.
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}
