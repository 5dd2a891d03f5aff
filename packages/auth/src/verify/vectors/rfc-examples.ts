// Examples quoted from RFC 8037 (Appendix A) and RFC 7515 (Appendix A), character for character.
// Code components extracted from IETF documents are available under the Revised BSD License
// (IETF Trust Legal Provisions, section 4); see README.md in this folder.

/** RFC 8037 A.1: the Ed25519 private key (`d`) and its public key (`x`, also A.2). */
export const RFC8037_KEY = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
} as const;

/** RFC 8037 A.4 (signing) and A.5 (validation): protected header `{"alg":"EdDSA"}`, payload "Example of Ed25519 signing". */
export const RFC8037_JWS = {
  signingInput: 'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc',
  signature: 'hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg',
} as const;

// RFC 7515 has no EdDSA example. Its examples are used only to check that other algorithms are
// refused. The payload of A.1, A.3 and A.5 (the `joe` claims set, with CRLFs):
const RFC7515_PAYLOAD =
  'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ';

/** RFC 7515 A.1: HS256, with its symmetric key (A.1.1). */
export const RFC7515_HS256 = {
  token: `eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.${RFC7515_PAYLOAD}.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk`,
  key: {
    kty: 'oct',
    k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
  },
} as const;

/** RFC 7515 A.3: ES256 (its 64-byte signature has the length of an Ed25519 one), with the public key. */
export const RFC7515_ES256 = {
  token: `eyJhbGciOiJFUzI1NiJ9.${RFC7515_PAYLOAD}.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q`,
  key: {
    kty: 'EC',
    crv: 'P-256',
    x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
    y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  },
} as const;

/** RFC 7515 A.5: an Unsecured JWS (`alg` none, empty signature). */
export const RFC7515_NONE = { token: `eyJhbGciOiJub25lIn0.${RFC7515_PAYLOAD}.` } as const;
