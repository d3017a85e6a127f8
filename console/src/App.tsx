import { Route, Router, Switch } from 'wouter';
import { SessionProvider, useSessionQuery } from './api/session';
import { ErrorMessage } from './components/ErrorMessage';
import { Layout } from './components/Layout';
import { I18nProvider } from './i18n';
import { CasePage } from './pages/CasePage';
import { ClientPage } from './pages/ClientPage';
import { Dashboard } from './pages/Dashboard';
import { NotFound } from './pages/NotFound';
import { OrderCaro } from './pages/OrderCaro';
import { OrderMandates } from './pages/OrderMandates';
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
                <Route path="/clients/:id" component={ClientPage} />
                <Route path="/clients/:id/mandates/new" component={OrderMandates} />
                <Route path="/clients/:id/caro-orders/new" component={OrderCaro} />
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
