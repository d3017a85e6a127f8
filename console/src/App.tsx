import { Route, Router, Switch } from 'wouter';
import { SessionProvider, useSessionQuery } from './api/session';
import { ErrorMessage } from './components/ErrorMessage';
import { Layout } from './components/Layout';
import { I18nProvider } from './i18n';
import { AddConnection } from './pages/AddConnection';
import { CasePage } from './pages/CasePage';
import { ClientPage } from './pages/ClientPage';
import { ClientsPage } from './pages/ClientsPage';
import { Dashboard } from './pages/Dashboard';
import { NewClient } from './pages/NewClient';
import { NotFound } from './pages/NotFound';
import { OrderCaro } from './pages/OrderCaro';
import { OrderMandates } from './pages/OrderMandates';
import { AccountsPage } from './pages/AccountsPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { OfficePage } from './pages/OfficePage';
import { OfficesPage } from './pages/OfficesPage';
import { OutboxMessagePage } from './pages/OutboxMessagePage';
import { OutboxPage } from './pages/OutboxPage';
import { ReplayPage } from './pages/ReplayPage';
import { SearchPage } from './pages/SearchPage';
import { SignIn } from './pages/SignIn';

/** The console's pages, under /console (served by the API, api/console.ts). */
export function App() {
  const session = useSessionQuery();
  const user = session.data?.user;
  return (
    <I18nProvider userLanguage={user?.language}>
      <Router base="/console">
        {session.isPending ? (
          <p className="loading">…</p>
        ) : session.isError ? (
          <main className="narrow">
            <ErrorMessage error={session.error} />
          </main>
        ) : user ? (
          <SessionProvider user={user}>
            <Layout>
              <Switch>
                <Route path="/" component={Dashboard} />
                <Route path="/search" component={SearchPage} />
                {user.role !== 'accountant' && <Route path="/replay" component={ReplayPage} />}
                <Route path="/cases/:journey/:id" component={CasePage} />
                <Route path="/clients" component={ClientsPage} />
                <Route path="/clients/new" component={NewClient} />
                <Route path="/clients/:id" component={ClientPage} />
                <Route path="/clients/:id/mandates/new" component={OrderMandates} />
                <Route path="/clients/:id/caro-orders/new" component={OrderCaro} />
                <Route path="/clients/:id/connections/new" component={AddConnection} />
                {user.role === 'operator' && (
                  <>
                    <Route path="/offices" component={OfficesPage} />
                    <Route path="/offices/:id" component={OfficePage} />
                    <Route path="/outbox" component={OutboxPage} />
                    <Route path="/outbox/:id" component={OutboxMessagePage} />
                    <Route path="/api-keys" component={ApiKeysPage} />
                    <Route path="/accounts" component={AccountsPage} />
                  </>
                )}
                <Route component={NotFound} />
              </Switch>
            </Layout>
          </SessionProvider>
        ) : (
          <SignIn />
        )}
      </Router>
    </I18nProvider>
  );
}
