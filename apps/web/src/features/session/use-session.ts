'use client';

import { answerOf } from '@gradlab/api-client';
import type { ParsedLoginRequest } from '@gradlab/contracts';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../lib/api-context';

/** Signs in (the api answers with an httpOnly session cookie), then learns who is signed in. */
export function useSignIn() {
  const { api, refreshMe } = useApi();
  return useMutation({
    mutationFn: async (body: ParsedLoginRequest) => {
      await answerOf(api.POST('/api/auth/login', { body }));
      await refreshMe();
    },
  });
}

/** Signs out; an api that cannot be reached is no reason to stay signed in here. */
export function useSignOut() {
  const { api, refreshMe } = useApi();
  return useMutation({
    mutationFn: async () => {
      await api.POST('/api/auth/logout').catch(() => undefined);
      await refreshMe();
    },
  });
}
