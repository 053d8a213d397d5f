import { render } from 'preact';
import { App } from './app';
import { AppData } from './offline/store';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  AppData.open()
    .then((data) => render(<App initial={data} />, root))
    .catch((error: unknown) => {
      // IndexedDB unavailable (private mode of some browsers, storage disabled): say so plainly.
      console.error(error);
      root.textContent = navigator.language.startsWith('en')
        ? 'Wampums: local storage is unavailable on this device.'
        : 'Wampums : le stockage local est indisponible sur cet appareil.';
    });
}
