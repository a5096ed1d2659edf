import { Api } from '../lib/api';
import { createStore } from '../lib/store';

/** The help desk's name, shown in the sidebar and the window title. */
export const companyStore = createStore<{ name: string }>({ name: 'Desk' });

companyStore.subscribe(({ name }) => {
  document.title = name;
});

export async function loadCompany(): Promise<void> {
  const { company_name } = await Api.me();
  companyStore.set({ name: company_name });
}
