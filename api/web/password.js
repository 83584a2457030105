/* Change one's own password: the API ends every other session and returns a new token. */
'use strict';

(async () => {
  const me = await HW.requireSignIn(['admin', 'dispatcher', 'planner', 'driver']);
  if (!me) return;
  const form = document.getElementById('password-form');
  const error = document.getElementById('password-error');
  const done = document.getElementById('password-done');
  document.getElementById('password-back').setAttribute('href', HW.pageFor(me.role));
  document.body.dataset.state = 'ready';

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    done.hidden = true;
    const current = document.getElementById('current-password').value;
    const fresh = document.getElementById('new-password').value;
    if (fresh !== document.getElementById('repeat-password').value) {
      error.textContent = HW.t('password.mismatch');
      error.hidden = false;
      return;
    }
    try {
      const body = await HW.api('/users/me/password', {
        method: 'POST',
        signingIn: true, // a wrong current password is 401: say so here, do not sign out
        json: { current_password: current, new_password: fresh },
      });
      HW.setToken(body.access_token);
      form.reset();
      done.hidden = false;
    } catch (failure) {
      error.textContent = failure.status === 401 ? HW.t('password.wrong') : failure.message;
      error.hidden = false;
    }
  });
})();
