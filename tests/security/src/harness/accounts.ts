import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { mutate } from './http.ts';

/** One signed-in device of a user: what a browser or a client holds after `auth.login`. */
export interface Device {
  accessToken: string;
  refreshToken: string;
  /** `access_token=…; refresh_token=…`, as the browser would send them back. */
  cookie: string;
  /** The `sid` of the session. */
  sessionId: string;
}

/** A registered user. */
export interface Account {
  id: string;
  email: string;
  password: string;
}

/** A fresh, unique e-mail address. */
export const newEmail = (label = 'user') => `${label}-${randomBytes(6).toString('hex')}@example.com`;

/** Registers a fresh account on the auth app. */
export async function register(authUrl: string, label = 'user'): Promise<Account> {
  const credentials = { email: newEmail(label), password: `pw-${randomBytes(9).toString('base64url')}` };
  const response = await mutate(authUrl, 'auth.register', credentials);
  if (response.status !== 200) throw new Error(`register: ${response.status} ${response.text}`);
  return { id: response.body.result.data.user.id, ...credentials };
}

/** Logs `account` in once more: a new session. */
export async function logIn(authUrl: string, account: Account): Promise<Device> {
  const response = await mutate(authUrl, 'auth.login', { email: account.email, password: account.password });
  if (response.status !== 200) throw new Error(`login: ${response.status} ${response.text}`);
  const setCookie = [response.headers['set-cookie'] ?? []].flat();
  const { accessToken, refreshToken } = response.body.result.data;
  return {
    accessToken,
    refreshToken,
    cookie: setCookie.map((line) => line.split(';')[0]).join('; '),
    sessionId: String(decodeJwt(accessToken).sid),
  };
}

/** A fresh account with one signed-in device. */
export async function signUp(authUrl: string, label = 'user'): Promise<Account & Device> {
  const account = await register(authUrl, label);
  return { ...account, ...(await logIn(authUrl, account)) };
}
