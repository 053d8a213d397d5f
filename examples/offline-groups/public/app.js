// The page: signs in with the host app, opens this account's offline store and shows its groups.
// Every write goes to IndexedDB first; the client pushes it when the network is there.
import { offlineDbName, openOfflineStore } from '@wampums/client';

const $ = (id) => document.getElementById(id);
const SESSION_KEY = 'example-session';

if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js');

function session() {
  const text = localStorage.getItem(SESSION_KEY);
  return text ? JSON.parse(text) : null;
}

async function signIn() {
  const response = await fetch('/app/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'leader@example.test' }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  localStorage.setItem(SESSION_KEY, JSON.stringify(await response.json()));
}

async function start() {
  const current = session();
  if (!current) {
    $('status').textContent = 'Signed out';
    $('sign-in').hidden = false;
    return;
  }
  const { user } = current;
  const store = await openOfflineStore({
    baseUrl: location.origin,
    getToken: async () => session()?.token ?? null,
    user,
    // One database per account, so that two accounts on this origin never share records.
    dbName: offlineDbName({ organizationId: user.organizationId, userId: user.id }),
  });
  window.exampleStore = store;

  store.status.subscribe((s) => {
    const waiting = s.pendingCount === 0 ? 'all changes synced' : `${s.pendingCount} waiting to sync`;
    $('status').textContent = `${s.online ? 'Online' : 'Offline'} · ${waiting}`;
    $('status').dataset.pending = String(s.pendingCount);
  });
  store
    .live(() => store.query('groups', {}, { orderBy: 'id' }))
    .subscribe((groups) => {
      $('groups').replaceChildren(
        ...groups.map((group) => {
          const item = document.createElement('li');
          item.textContent = `${group.name} `;
          const note = document.createElement('small');
          note.textContent = typeof group.id === 'string' ? '(not yet on the server)' : `#${group.id}`;
          item.append(note);
          return item;
        }),
      );
    });

  $('add').hidden = false;
  $('add').addEventListener('submit', async (event) => {
    event.preventDefault();
    // Read and clear before the write, so a name typed while it is stored is not wiped.
    const name = $('name').value.trim();
    $('name').value = '';
    if (name) await store.create('groups', { name });
  });
}

$('sign-in').addEventListener('click', () => signIn().then(() => location.reload()));
start().catch((error) => {
  $('status').textContent = `Could not start: ${error.message}`;
});
