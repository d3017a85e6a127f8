/** Support's bulk replay of failed CARO activations (issue 16): one workflow per batch, `caro-replay:<batchId>`. */
export const caroReplayWorkflowId = (batchId: string) => `caro-replay:${batchId}`;

export interface CaroReplayInput {
  batchId: string;
  /** Cases per activity (CARO_REPLAY_CHUNK_SIZE, fixed at preview time). */
  chunkSize: number;
  /** The pause between two chunks (CARO_REPLAY_PAUSE_MS), so a large batch does not flood Temporal and the mail. */
  pauseMs: number;
}

/** One chunk: at most `limit` of the batch's cases still pending, each replayed (or skipped) and recorded. */
export interface ReplayChunkRequest {
  batchId: string;
  limit: number;
}

export interface ReplayChunkResult {
  replayed: number;
  skipped: number;
  failed: number;
  /** Cases of the batch still pending after this chunk. */
  remaining: number;
}

/** Chunks per run before continue-as-new, so the history of a batch of any size stays short. */
export const CHUNKS_PER_RUN = 100;
