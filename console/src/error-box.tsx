import type { CloudApiError } from "./api.js";

/** A failed call as the cloud answered it: its code, its message, and the request id to find it in the logs. */
export function ErrorBox({ error }: { error: CloudApiError | undefined }) {
  if (!error) return null;
  return (
    <div class="error" role="alert" data-testid="error" data-code={error.code}>
      <code class="error-code">{error.code}</code>
      <span class="error-message">{error.message}</span>
      {error.requestId ? <span class="error-request">request {error.requestId}</span> : null}
    </div>
  );
}
