'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';

/**
 * Ids picked in a picker, kept in the address under `param` (`?runs=a,b`) so a comparison can be
 * bookmarked and shared. The picker answers at once; the address follows.
 */
export function useUrlSelection(param: string): { selected: string[]; toggle(id: string): void } {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [selected, setSelected] = useState(() => (params.get(param) ?? '').split(',').filter(Boolean));
  const toggle = (id: string) => {
    const next = selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id];
    setSelected(next);
    const query = new URLSearchParams(params);
    if (next.length) query.set(param, next.join(','));
    else query.delete(param);
    router.replace(`${pathname}?${query}`);
  };
  return { selected, toggle };
}
