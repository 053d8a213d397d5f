import type { ComponentChildren } from 'preact';

/** A screen: its title and an optional action, then its content. */
export function Screen(props: { title: string; action?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="screen">
      <header class="screen-head">
        <h1>{props.title}</h1>
        {props.action}
      </header>
      {props.children}
    </section>
  );
}

/** A message shown when a list is empty. */
export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}
