import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App';
import './styles.css';

// Navigation is not wrapped in startTransition: the list filters are controlled inputs whose
// state lives in the URL, and a deferred URL update would make a ticked box flicker back.
const future = { v7_startTransition: false, v7_relativeSplatPath: true };

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <BrowserRouter future={future}>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
