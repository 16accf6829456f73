import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ConfirmButton } from './confirm-button';

describe('ConfirmButton', () => {
  it('asks first: the first click acts on nothing, "No" takes the question back', () => {
    const onConfirm = jest.fn();
    render(<ConfirmButton label="Cancel run" question="Cancel this run?" onConfirm={onConfirm} />);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel run' }));
    expect(screen.getByRole('group', { name: 'Cancel this run?' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'No' }));
    expect(onConfirm).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Cancel run' })).toBeTruthy();
  });

  it('acts on "Yes" once, with both answers disabled while it works', async () => {
    let finish: () => void = () => undefined;
    const onConfirm = jest.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    render(<ConfirmButton label="Revoke" question="Revoke this key?" onConfirm={onConfirm} />);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, revoke' }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect((screen.getByRole('button', { name: 'Yes, revoke' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'No' }) as HTMLButtonElement).disabled).toBe(true);
    finish();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Revoke' })).toBeTruthy());
  });
});
