import { render } from 'preact';
import { App } from './app';
import './styles/base.css';
import './styles/forms-tables.css';
import './styles/chart-and-small-screens.css';

render(<App />, document.getElementById('app')!);
