// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// Scenes' LazyLoader observes visibility; jsdom has no IntersectionObserver. Report everything as in
// view (as Grafana Logs Drilldown's jest setup does), so lazily rendered scene bodies render in tests.
class IntersectionObserverInView {
  constructor(callback) {
    this.callback = callback;
  }
  observe(target) {
    this.callback([{ isIntersecting: true, intersectionRatio: 1, target }], this);
  }
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
global.IntersectionObserver = IntersectionObserverInView;
