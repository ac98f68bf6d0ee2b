import { Type, type Static } from '@sinclair/typebox';

/** The seed API's request and response schemas: the one source for validation, types and OpenAPI. */

const Name = (description: string) => Type.String({ minLength: 1, maxLength: 100, description });
const Email = Type.String({ format: 'email', maxLength: 254, description: 'email address, also the login' });
// Long enough for any real password, short enough that a 1 MB "password" is refused before hashing.
const Password = Type.String({ minLength: 1, maxLength: 256, description: 'password (8+ characters)' });
const UserId = Type.String({ minLength: 1, maxLength: 64, description: 'user id from /api/register or /api/login' });
const Otp = Type.String({ minLength: 1, maxLength: 16, description: 'the 6-digit code from the email' });
export const SessionIdSchema = Type.String({ minLength: 1, maxLength: 128, description: 'session id from /api/login' });

export const RegisterBody = Type.Object({
  firstName: Name('given name'),
  lastName: Name('family name'),
  email: Email,
  password: Password,
});
export type RegisterBody = Static<typeof RegisterBody>;

export const ActivateBody = Type.Object({ userId: UserId, otp: Type.Optional(Otp) });
export type ActivateBody = Static<typeof ActivateBody>;

export const LoginBody = Type.Object({ email: Email, password: Password });
export type LoginBody = Static<typeof LoginBody>;

export const MfaVerifyBody = Type.Object({
  userId: UserId,
  otp: Type.Optional(Otp),
  sessionId: Type.Optional({ ...SessionIdSchema, description: 'upgrade exactly this session (recommended)' }),
});
export type MfaVerifyBody = Static<typeof MfaVerifyBody>;

export const SessionBody = Type.Object({ sessionId: SessionIdSchema });
export type SessionBody = Static<typeof SessionBody>;

export const UserQuery = Type.Object({ sessionId: Type.Optional(SessionIdSchema) });
export type UserQuery = Static<typeof UserQuery>;
export const OptionalSessionBody = Type.Union([Type.Object({ sessionId: Type.Optional(SessionIdSchema) }), Type.Null()]);

export const CodeBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 256, description: 'grant code' }) });
export type CodeBody = Static<typeof CodeBody>;

export const TokenBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 8192, description: 'JWT' }) });
export type TokenBody = Static<typeof TokenBody>;

export const SuccessResponse = Type.Object({ success: Type.Boolean() });
export const UserIdResponse = Type.Object({
  userId: Type.String(),
  otpSent: Type.Optional(Type.Boolean({ description: 'false when the code could not be mailed; ask again with /api/activate' })),
});
export const CodeResponse = Type.Object({ code: Type.String() });
export const TokenResponse = Type.Object({ token: Type.String() });

const Iso = Type.String({ format: 'date-time' });
const NullableIso = Type.Union([Iso, Type.Null()]);
const LinkSchema = Type.Object(
  { href: Type.String(), name: Type.Optional(Type.String()), hints: Type.Object({ allow: Type.Array(Type.String()) }) },
  { additionalProperties: true },
);

export const ProfileSchema = Type.Object(
  {
    firstName: Type.String(),
    lastName: Type.String(),
    email: Type.String(),
    login: Type.String(),
  },
  { additionalProperties: true, description: "the user's Okta profile" },
);

export const OktaSessionSchema = Type.Object(
  {
    id: Type.String({ description: 'the session id: send it as sessionId' }),
    userId: Type.String(),
    login: Type.String(),
    createdAt: Iso,
    expiresAt: Iso,
    status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('MFA_REQUIRED')]),
    lastPasswordVerification: NullableIso,
    lastFactorVerification: NullableIso,
    amr: Type.Array(Type.String()),
    idp: Type.Object({ id: Type.String(), type: Type.String() }),
    mfaActive: Type.Boolean(),
    _links: Type.Record(Type.String(), LinkSchema),
  },
  { description: "Okta's session object" },
);

// Session first: serializers pick the first schema that fits, and {userId} would fit a trimmed session.
export const LoginResponse = Type.Union([OktaSessionSchema, Type.Object({ userId: Type.String() })]);

export const OktaUserSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.String(),
    created: Iso,
    activated: NullableIso,
    statusChanged: NullableIso,
    lastLogin: NullableIso,
    lastUpdated: Iso,
    passwordChanged: NullableIso,
    type: Type.Object({ id: Type.String() }),
    profile: ProfileSchema,
    credentials: Type.Object(
      { provider: Type.Object({ type: Type.String(), name: Type.String() }) },
      { additionalProperties: true },
    ),
    _links: Type.Record(Type.String(), LinkSchema),
  },
  { description: "Okta's user object" },
);

export const ErrorResponse = Type.Object(
  {
    error: Type.Union(
      [Type.Literal('VALIDATION_ERROR'), Type.Literal('OKTA_ERROR'), Type.Literal('SERVER_ERROR'), Type.Literal('404')],
      { description: 'error family' },
    ),
  },
  { additionalProperties: true, description: 'VALIDATION_ERROR adds details (Joi shape); OKTA_ERROR adds Okta error fields' },
);
