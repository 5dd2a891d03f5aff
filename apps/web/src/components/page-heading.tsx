import { type ReactNode, useEffect, useRef } from 'react';

/**
 * The page's `<h1>`, focused when the page appears, so that screen-reader and keyboard users land
 * on the new page after a client-side navigation (the browser does not move focus by itself).
 */
export function PageHeading(props: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {props.children}
    </h1>
  );
}
