import { useEffect, useState } from 'preact/hooks';

/** The current hash route as path segments: `#/participants/42` → `['participants', '42']`. */
export function currentRoute(): string[] {
  return location.hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
}

/** Query parameters of the hash route: `#/medication/new?participant=3`. */
export function routeParams(): URLSearchParams {
  return new URLSearchParams(location.hash.split('?')[1] ?? '');
}

/** Re-renders on every route change. Hash routes keep working offline from the one precached page. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function navigate(path: string): void {
  location.hash = `#/${path.replace(/^\//, '')}`;
}
