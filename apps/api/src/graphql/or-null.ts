import { DomainError } from '../common/domain-error';

/** null where REST answers 404: a run or group of another team is indistinguishable from a missing one. */
export async function orNull<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}
