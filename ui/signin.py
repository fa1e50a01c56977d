"""Sign-in through the council's identity provider (Streamlit's own OpenID Connect: st.login),
and who the person at the browser is.

Off by default (`CQC_SIGN_IN`): on one person's machine there is nobody to tell apart, and the
app behaves as it always has, as the local user. On, the provider is the one in the `[auth]`
section of `.streamlit/secrets.toml` (as Streamlit documents it), and nothing of the library is
shown until the person has signed in and has a role here (`database.people`).
"""

from __future__ import annotations

import streamlit as st

from config.settings import AccessSettings
from database import LOCAL, Person
from database.people import person_from_claims
from ui.safe import escape

NO_PROVIDER = ("Sign-in is on (CQC_SIGN_IN), but no identity provider is set up: add an [auth] section to "
               ".streamlit/secrets.toml (redirect_uri, cookie_secret, client_id, client_secret, "
               "server_metadata_url), as the README's deployment guide shows, and restart the app.")


def _provider_settings(access: AccessSettings) -> object | None:
    try:
        auth = st.secrets.get("auth")
    except Exception:  # noqa: BLE001  (no secrets.toml at all, or one that does not parse)
        return None
    if not auth:
        return None
    return auth.get(access.provider) if access.provider else auth


def signed_in(access: AccessSettings) -> Person | None:
    """The person using this session, or None when the page is showing sign-in or a refusal
    (the caller then shows nothing else)."""
    if not access.sign_in:
        return LOCAL
    if _provider_settings(access) is None:
        st.error(NO_PROVIDER)
        return None
    if not st.user.is_logged_in:
        st.title("CQC adult social care assessments")
        st.write("Sign in with your council account to ask about the reports.")
        st.button("Sign in", key="sign_in", type="primary", icon=":material/login:",
                  on_click=st.login, args=(access.provider or None,))
        return None
    person = person_from_claims(st.user.to_dict(), access)
    if person.role is None:
        st.title("CQC adult social care assessments")
        st.error(escape(f"You are signed in as {person.email or person.name or person.id}, but you have not been "
                        "given access to this app. Ask whoever runs it to add you as a reader or an editor."))
        st.button("Sign out", key="sign_out", on_click=st.logout, icon=":material/logout:")
        return None
    return person


def signed_in_badge(person: Person, access: AccessSettings) -> None:
    """The sidebar's line saying who is signed in, in which role, with the way out."""
    if not access.sign_in:
        return
    role = person.role.label if person.role else "no role"
    st.caption(f"Signed in as **{escape(person.name or person.email or person.id)}** ({role})")
    st.button("Sign out", key="sign_out", on_click=st.logout, icon=":material/logout:")
