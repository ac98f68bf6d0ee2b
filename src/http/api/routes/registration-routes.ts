import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { requestContext } from '../../wire/request-context.js';
import { ActivateBody, ErrorResponse, RegisterBody, SuccessResponse, UserIdResponse } from '../schemas.js';

const errors = { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse };

export function registrationRoutes(app: ApiApp, deps: ApiDeps): void {
  app.post('/register', {
    schema: {
      summary: 'Create a user and mail the email-factor enrolment code',
      tags: ['seed'],
      body: RegisterBody,
      response: { 200: UserIdResponse, ...errors },
    },
    handler: async (request) => {
      const { userId, otpSent } = await deps.provider.register(request.body, requestContext(request));
      return otpSent ? { userId } : { userId, otpSent };
    },
  });

  app.post('/activate', {
    schema: {
      summary: 'Confirm the email factor with the enrolment code; without otp, mail a fresh code',
      tags: ['seed'],
      body: ActivateBody,
      response: { 200: SuccessResponse, ...errors },
    },
    handler: async (request) => {
      await deps.provider.activate(request.body.userId, request.body.otp, requestContext(request));
      return { success: true };
    },
  });
}
