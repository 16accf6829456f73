import { SettingsView } from '../../features/settings/settings-view';

export default function SettingsPage() {
  return <SettingsView />;
}
