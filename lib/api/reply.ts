// What a route's lib call may return when a plain 200 JSON body is not
// enough: another status, or headers such as Set-Cookie.
export class Reply<T> {
  constructor(
    readonly body: T,
    readonly status: number = 200,
    readonly headers: readonly (readonly [string, string])[] = [],
  ) {}
}

export const created = <T>(body: T, headers: readonly (readonly [string, string])[] = []): Reply<T> => new Reply(body, 201, headers);
