import { isDatabaseUnavailable } from './database-unavailable';

describe('isDatabaseUnavailable', () => {
  it('knows Prisma over adapter-pg when Postgres is down, stopping or restarting', () => {
    // As Prisma 7 throws it against a closed port (measured).
    expect(
      isDatabaseUnavailable({
        name: 'PrismaClientKnownRequestError',
        code: 'P1001',
        meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } },
      }),
    ).toBe(true);
    expect(
      isDatabaseUnavailable({ meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '57P01' } } } }),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Error('x', {
          cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
        }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('the database system is starting up'))).toBe(true);
  });

  it('leaves bad queries and bad data alone', () => {
    expect(isDatabaseUnavailable({ code: 'P2002', message: 'Unique constraint failed' })).toBe(false);
    expect(
      isDatabaseUnavailable({ meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '22021' } } } }),
    ).toBe(false); // a NUL byte
    expect(isDatabaseUnavailable(new Error('invalid input syntax for type uuid'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
