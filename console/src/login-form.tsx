import { useState } from "preact/hooks";
import { type CloudApiError, login, type Session } from "./api.js";
import { ErrorBox } from "./error-box.js";

export function LoginForm({ notice, onLogin }: { notice: string; onLogin: (session: Session) => void }) {
  const [error, setError] = useState<CloudApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? "");
    setBusy(true);
    setError(undefined);
    try {
      onLogin(
        await login({
          username: value("username"),
          password: value("password"),
          project: value("project"),
          domain: value("domain"),
        }),
      );
    } catch (failure) {
      setError(failure as CloudApiError);
      setBusy(false);
    }
  };

  return (
    <main class="login-page">
      <form class="login card" method="post" onSubmit={submit}>
        <h1>
          <span class="brand">ecs-vip</span> console
        </h1>
        <p class="muted">Sign in with an IAM user of this endpoint. The token stays in this page only.</p>
        {notice ? <p class="notice">{notice}</p> : null}
        <label>
          User name
          <input name="username" autocomplete="username" required defaultValue="admin" />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <label>
          <span class="label-line">
            Project <span class="muted">name or id; empty: your first</span>
          </span>
          <input name="project" placeholder="local-1" autocomplete="off" />
        </label>
        <label>
          <span class="label-line">
            Account <span class="muted">IAM domain</span>
          </span>
          <input name="domain" defaultValue="default" autocomplete="off" />
        </label>
        <ErrorBox error={error} />
        <button type="submit" class="primary" data-testid="login" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
