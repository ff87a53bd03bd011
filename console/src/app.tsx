import { useState } from "preact/hooks";
import type { Session } from "./api.js";
import { ConsoleView } from "./console-view.js";
import { LoginForm } from "./login-form.js";

/** The session lives in this component's state only: a reload or "Log out" forgets the token. */
export function App() {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [notice, setNotice] = useState("");
  if (!session) {
    return (
      <LoginForm
        notice={notice}
        onLogin={(next) => {
          setNotice("");
          setSession(next);
        }}
      />
    );
  }
  return (
    <ConsoleView
      session={session}
      onLogout={(reason) => {
        setNotice(reason ?? "");
        setSession(undefined);
      }}
    />
  );
}
