/** A write lost a race (unique violation, serialization failure, deadlock): re-running the unit of work may succeed. */
export class StoreConflictError extends Error {
  constructor(
    message: string,
    readonly constraint?: string,
  ) {
    super(message);
    this.name = "StoreConflictError";
  }
}

/** Every attempt of a unit of work lost its race. */
export class StoreRetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`transaction still conflicting after ${attempts} attempts`, { cause });
    this.name = "StoreRetriesExhaustedError";
  }
}
