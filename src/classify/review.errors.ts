// Errors of the routing review, each with the HTTP status and code the API answers with (messages for people, in
// Italian). ProtocolImmutableError (409) lives with the protocol register.

export class ReviewError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Unknown document, or a document without a routing suggestion (404). */
export class ReviewNotFoundError extends ReviewError {
  constructor(message = 'Documento non trovato o senza proposta di smistamento') {
    super(message, 404, 'NOT_FOUND');
  }
}

/** The review is not in a state that allows this decision, e.g. another reviewer decided it first (409). */
export class ReviewConflictError extends ReviewError {
  constructor(message: string) {
    super(message, 409, 'NOT_DECIDABLE');
  }
}

/** A decision the reference data or the rules refuse: unknown class or office, correction without a reason (400). */
export class ReviewValidationError extends ReviewError {
  constructor(message: string) {
    super(message, 400, 'INVALID_REQUEST');
  }
}
