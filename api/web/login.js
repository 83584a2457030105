/* Sign in with the API's token endpoint, then go to the role's page (or back where we came from). */
'use strict';

(() => {
  const form = document.getElementById('login-form');
  const error = document.getElementById('login-error');

  HW.setupHeader(null);
  document.body.dataset.state = 'ready';

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      const tokenBody = await HW.api('/auth/token', {
        method: 'POST',
        signingIn: true,
        form: { username: form.username.value, password: form.password.value },
      });
      HW.setToken(tokenBody.access_token);
      const me = await HW.api('/users/me');
      const next = HW.param('next');
      const safe = next && next.startsWith('/web/') && !next.startsWith('//');
      window.location.assign(safe ? next : HW.pageFor(me.role));
    } catch (failure) {
      error.textContent = failure.status === 401 ? HW.t('login.wrong') : failure.message;
      error.hidden = false;
    }
  });
})();
