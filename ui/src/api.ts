// Thin fetch wrapper: bearer token from storage, ProblemDetails turned into readable errors.

const TOKEN_KEY = "pref.token";

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One line from a ProblemDetails body: the field errors if any, else detail or title. */
export function describeProblem(status: number, body: unknown): string {
  const p = (body ?? {}) as { title?: string; detail?: string; errors?: Record<string, string[]> };
  if (p.errors && Object.keys(p.errors).length > 0)
    return Object.entries(p.errors)
      .slice(0, 10)
      .map(([field, problems]) => `${field}: ${problems.join(", ")}`)
      .join("; ");
  return p.detail ?? p.title ?? `HTTP ${status}`;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const token = getToken();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (init.body && typeof init.body === "string" && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const response = await fetch(path, { ...init, headers });
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("Content-Type") ?? "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, describeProblem(response.status, body));
  return body as T;
}

export const post = <T>(path: string, body?: unknown) =>
  api<T>(path, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });
