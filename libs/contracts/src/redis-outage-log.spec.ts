import { EventEmitter } from 'node:events';
import { isRedisConnectionError, RedisOutageLog } from './redis-outage-log';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

describe('RedisOutageLog', () => {
  it('says once that Redis went and once that it came back, whatever the clients retry meanwhile', () => {
    const lines: string[] = [];
    const outages = new RedisOutageLog((line) => lines.push(line));
    const [a, b, queue] = [new EventEmitter(), new EventEmitter(), new EventEmitter()];
    outages.watch(a);
    outages.watch(b);
    outages.absorb(queue, 'training queue');
    for (let retry = 0; retry < 20; retry++) {
      a.emit('error', refused());
      b.emit('error', refused());
      queue.emit('error', refused());
    }
    expect(outages.isDown).toBe(true);
    a.emit('ready'); // b is still reconnecting: not back yet
    expect(lines).toEqual(['Redis connection lost (connect ECONNREFUSED 127.0.0.1:6379); reconnecting']);
    b.emit('ready');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('Redis connection back');
    expect(outages.isDown).toBe(false);
  });

  it('logs an error that is no outage as it comes, and a later outage anew', () => {
    const lines: string[] = [];
    const outages = new RedisOutageLog((line) => lines.push(line));
    const [client, worker] = [new EventEmitter(), new EventEmitter()];
    outages.watch(client);
    outages.absorb(worker, 'training queue');
    worker.emit('error', new Error('Missing lock for job 7'));
    client.emit('error', refused());
    client.emit('ready');
    client.emit('error', refused());
    expect(lines).toEqual([
      'training queue: Missing lock for job 7',
      'Redis connection lost (connect ECONNREFUSED 127.0.0.1:6379); reconnecting',
      'Redis connection back',
      'Redis connection lost (connect ECONNREFUSED 127.0.0.1:6379); reconnecting',
    ]);
  });

  it.each([
    [refused(), true],
    [Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }), true],
    [new Error('Connection is closed.'), true],
    [new Error('ERR unknown command'), false],
  ])('tells a connection error (%s: %s)', (error, expected) => {
    expect(isRedisConnectionError(error)).toBe(expected);
  });
});
