package org.mqcgm.server.accounts;

import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/** Every route of the accounts feature: sign-up, login, password reset, settings, and the accounts API. */
final class AccountRoutes {

    private final Accounts accounts;
    private final Sessions sessions;
    private final ApiTokens tokens;
    private final Devices devices;
    private final LoginThrottle throttle;
    private final Pages pages;
    private final PageContexts contexts;
    private final JsonBodies json;
    private final ClientAddress clients;

    public AccountRoutes(Accounts accounts, Sessions sessions, ApiTokens tokens, Devices devices,
                         LoginThrottle throttle, Pages pages, PageContexts contexts, JsonBodies json,
                         ClientAddress clients) {
        this.clients = clients;
        this.accounts = accounts;
        this.sessions = sessions;
        this.tokens = tokens;
        this.devices = devices;
        this.throttle = throttle;
        this.pages = pages;
        this.contexts = contexts;
        this.json = json;
    }

    public void register(Routes routes) {
        WebSessions web = new WebSessions(sessions, clients);
        FormPage form = new FormPage(pages, contexts);
        new LoginRoutes(accounts, throttle, web, form, clients).register(routes);
        new SignupRoutes(accounts, throttle, web, form, contexts, clients).register(routes);
        new PasswordResetRoutes(accounts, throttle, form, contexts, clients).register(routes);
        new SettingsRoutes(accounts, sessions, tokens, devices, web, form, clients).register(routes);
        new AccountApiRoutes(accounts, tokens, devices, throttle, json, clients).register(routes);
    }
}
