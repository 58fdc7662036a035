export default (app) => {
  const { router, controller } = app;
  router.post('/login', controller.account.login);
  router.get('/admin/users/:id', controller.account.adminUser);
  router.post('/admin/users/:id/role', controller.account.changeRole);
  router.get('/products', controller.account.products);
};
